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

// ack-ram-tool's credential plugin (AliyunContainerService/ack-ram-tool v0.19.0,
// `credential-plugin get-credential`): a client certificate of the caller's RAM identity
// that expires after RAMToolExpiration, cached and renewed by the tool.
const (
	// RAMToolCommand is the credential plugin's command; it must be on the runner's PATH.
	RAMToolCommand = "ack-ram-tool"
	// RAMToolExpiration is how long each certificate lasts; the tool renews it before then.
	RAMToolExpiration = "1h"
	// ExecAPIVersion is the client authentication API the plugin answers in.
	ExecAPIVersion = "client.authentication.k8s.io/v1beta1"
)

// RAMToolArgs are the credential plugin's arguments for a cluster in a region.
func RAMToolArgs(clusterID, region string) []string {
	return []string{"credential-plugin", "get-credential", "--cluster-id", clusterID, "--api-version", "v1beta1",
		"--expiration", RAMToolExpiration, "--region-id", region, "--log-level", "error"}
}

// renderRAMToolKubeconfig writes a kubeconfig whose user runs ack-ram-tool for its
// credentials: it holds the server and the cluster CA, and no key.
func renderRAMToolKubeconfig(name, server, clusterCA, clusterID, region string) (string, error) {
	ca, err := base64.StdEncoding.DecodeString(clusterCA)
	if err != nil {
		return "", fmt.Errorf("cluster CA: %w", err)
	}
	user := name + "-ram"
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
		Command: RAMToolCommand, Args: RAMToolArgs(clusterID, region), APIVersion: ExecAPIVersion,
		InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
	}}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: user}
	cfg.CurrentContext = name
	out, err := clientcmd.Write(*cfg)
	if err != nil {
		return "", err
	}
	return string(out), nil
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
