package ack

import (
	"encoding/base64"
	"fmt"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// kubeconfigCredentials are what ACK returns for a cluster: the API server URL and the
// base64 PEM data of the cluster CA and of an admin client certificate and key
// (the cluster's certificateAuthority attribute).
type kubeconfigCredentials struct {
	Server, ClusterCA, ClientCert, ClientKey string
}

// renderKubeconfig writes a kubeconfig with one cluster, one user and one context: the
// cluster and the context named after the cluster, the user "<name>-admin".
func renderKubeconfig(name string, c kubeconfigCredentials) (string, error) {
	decode := func(what, b64 string) ([]byte, error) {
		out, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return out, nil
	}
	ca, err := decode("cluster CA", c.ClusterCA)
	if err != nil {
		return "", err
	}
	cert, err := decode("client certificate", c.ClientCert)
	if err != nil {
		return "", err
	}
	key, err := decode("client key", c.ClientKey)
	if err != nil {
		return "", err
	}
	user := name + "-admin"
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{Server: c.Server, CertificateAuthorityData: ca}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{ClientCertificateData: cert, ClientKeyData: key}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: user}
	cfg.CurrentContext = name
	out, err := clientcmd.Write(*cfg)
	if err != nil {
		return "", err
	}
	return string(out), nil
}
