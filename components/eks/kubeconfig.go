package eks

import (
	"encoding/base64"
	"errors"
	"fmt"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ExecAPIVersion is the client authentication API that `aws eks get-token` answers with.
const ExecAPIVersion = "client.authentication.k8s.io/v1beta1"

// Kubeconfig renders a kubeconfig for an EKS cluster that authenticates by running
// `aws eks get-token` with the caller's own AWS credentials, so it holds no token and
// nothing that expires. caData is the cluster's base64 certificate authority.
func Kubeconfig(endpoint, caData, clusterName, region string) (string, error) {
	if endpoint == "" || caData == "" || clusterName == "" || region == "" {
		return "", errors.New("kubeconfig needs the endpoint, certificate authority, cluster name and region")
	}
	ca, err := base64.StdEncoding.DecodeString(caData)
	if err != nil {
		return "", fmt.Errorf("certificate authority: %w", err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{Server: endpoint, CertificateAuthorityData: ca}
	cfg.AuthInfos[clusterName] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
		APIVersion:      ExecAPIVersion,
		Command:         "aws",
		Args:            []string{"eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"},
		InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
	}}
	cfg.Contexts[clusterName] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: clusterName}
	cfg.CurrentContext = clusterName
	out, err := clientcmd.Write(*cfg)
	if err != nil {
		return "", err
	}
	return string(out), nil
}
