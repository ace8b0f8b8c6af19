package eks

import (
	"encoding/json"
	"errors"
)

// ExecAPIVersion is the client authentication API that `aws eks get-token` answers with.
const ExecAPIVersion = "client.authentication.k8s.io/v1beta1"

// kubeconfig mirrors the parts of a kubeconfig file (k8s.io/client-go/tools/clientcmd/api/v1)
// that reach one EKS cluster; JSON is valid YAML, so clients read it as a kubeconfig file.
type kubeconfig struct {
	APIVersion     string         `json:"apiVersion"`
	Kind           string         `json:"kind"`
	Clusters       []namedCluster `json:"clusters"`
	Contexts       []namedContext `json:"contexts"`
	CurrentContext string         `json:"current-context"`
	Users          []namedUser    `json:"users"`
}

type namedCluster struct {
	Name    string `json:"name"`
	Cluster struct {
		Server                   string `json:"server"`
		CertificateAuthorityData string `json:"certificate-authority-data"`
	} `json:"cluster"`
}

type namedContext struct {
	Name    string `json:"name"`
	Context struct {
		Cluster string `json:"cluster"`
		User    string `json:"user"`
	} `json:"context"`
}

type namedUser struct {
	Name string `json:"name"`
	User struct {
		Exec execConfig `json:"exec"`
	} `json:"user"`
}

type execConfig struct {
	APIVersion      string   `json:"apiVersion"`
	Command         string   `json:"command"`
	Args            []string `json:"args"`
	InteractiveMode string   `json:"interactiveMode"`
}

// Kubeconfig renders a kubeconfig for an EKS cluster that authenticates by running
// `aws eks get-token` with the caller's own AWS credentials, so it holds no token and
// nothing that expires. caData is the cluster's base64 certificate authority.
func Kubeconfig(endpoint, caData, clusterName, region string) (string, error) {
	if endpoint == "" || caData == "" || clusterName == "" || region == "" {
		return "", errors.New("kubeconfig needs the endpoint, certificate authority, cluster name and region")
	}
	var kc kubeconfig
	kc.APIVersion, kc.Kind, kc.CurrentContext = "v1", "Config", clusterName
	var c namedCluster
	c.Name = clusterName
	c.Cluster.Server, c.Cluster.CertificateAuthorityData = endpoint, caData
	var ctx namedContext
	ctx.Name = clusterName
	ctx.Context.Cluster, ctx.Context.User = clusterName, clusterName
	var u namedUser
	u.Name = clusterName
	u.User.Exec = execConfig{
		APIVersion:      ExecAPIVersion,
		Command:         "aws",
		Args:            []string{"eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"},
		InteractiveMode: "Never",
	}
	kc.Clusters, kc.Contexts, kc.Users = []namedCluster{c}, []namedContext{ctx}, []namedUser{u}
	out, err := json.MarshalIndent(kc, "", "  ")
	if err != nil {
		return "", err
	}
	return string(out), nil
}
