package ack

import (
	"gopkg.in/yaml.v3"
)

// kubeconfigDoc is the subset of a kubeconfig file that a client certificate login needs.
type kubeconfigDoc struct {
	APIVersion     string          `yaml:"apiVersion"`
	Kind           string          `yaml:"kind"`
	Clusters       []namedCluster  `yaml:"clusters"`
	Users          []namedUser     `yaml:"users"`
	Contexts       []namedContext  `yaml:"contexts"`
	CurrentContext string          `yaml:"current-context"`
	Preferences    map[string]bool `yaml:"preferences"`
}

type namedCluster struct {
	Name    string `yaml:"name"`
	Cluster struct {
		Server                   string `yaml:"server"`
		CertificateAuthorityData string `yaml:"certificate-authority-data"`
	} `yaml:"cluster"`
}

type namedUser struct {
	Name string `yaml:"name"`
	User struct {
		ClientCertificateData string `yaml:"client-certificate-data"`
		ClientKeyData         string `yaml:"client-key-data"`
	} `yaml:"user"`
}

type namedContext struct {
	Name    string `yaml:"name"`
	Context struct {
		Cluster string `yaml:"cluster"`
		User    string `yaml:"user"`
	} `yaml:"context"`
}

// kubeconfigCredentials are what ACK returns for a cluster: the API server URL and the
// base64 PEM data of the cluster CA and of an admin client certificate and key
// (the cluster's certificateAuthority attribute).
type kubeconfigCredentials struct {
	Server, ClusterCA, ClientCert, ClientKey string
}

// renderKubeconfig writes a kubeconfig with one cluster, one user and one context, all
// named after the cluster. The certificate fields are already base64, as kubeconfig's
// *-data fields want them.
func renderKubeconfig(name string, c kubeconfigCredentials) (string, error) {
	doc := kubeconfigDoc{APIVersion: "v1", Kind: "Config", CurrentContext: name, Preferences: map[string]bool{}}
	var cl namedCluster
	cl.Name = name
	cl.Cluster.Server = c.Server
	cl.Cluster.CertificateAuthorityData = c.ClusterCA
	var u namedUser
	u.Name = name + "-admin"
	u.User.ClientCertificateData = c.ClientCert
	u.User.ClientKeyData = c.ClientKey
	var ctx namedContext
	ctx.Name = name
	ctx.Context.Cluster = name
	ctx.Context.User = u.Name
	doc.Clusters, doc.Users, doc.Contexts = []namedCluster{cl}, []namedUser{u}, []namedContext{ctx}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return "", err
	}
	return string(out), nil
}
