package platform

// Hostname is one DNS name the stack serves on a cluster: a platform endpoint
// (Harbor, the federation endpoint, the hub's OTLP receiver) or a release's host in
// one environment. The edge serves it, cert-manager issues its certificate unless
// the stack brings its own, and external-dns writes its record. One list feeds all
// three, so a host can never have a route without a certificate or a record.
type Hostname struct {
	// Host is the fully qualified name (no wildcard, no trailing dot).
	Host string
	// Owner says who declared it, for messages and the plan: "platform.harbor.host",
	// "releases[storefront].environments[prod]".
	Owner string
	// SecretName is the kubernetes.io/tls Secret the edge reads the certificate from.
	SecretName string
	// SecretNamespace is the namespace of that Secret.
	SecretNamespace string
	// BringYourOwn says the stack names a Secret it manages itself (a tlsSecretName
	// override): no Certificate is made for it. False: cert-manager issues SecretName.
	BringYourOwn bool
	// Plain says the host is served over plain HTTP only (no TLS, so no certificate);
	// external-dns still writes its record.
	Plain bool
}
