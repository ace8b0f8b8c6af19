// Package kubeconfig reads the kubeconfig file of an existing cluster and checks the
// context its stack file entry names. The existing cluster component reads the file
// through it when it is built; stack validation checks the same file, with the field
// path, before anything is registered. It imports client-go's clientcmd, no Pulumi SDK.
package kubeconfig
