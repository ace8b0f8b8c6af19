package rules

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Rule IDs of the secret rules.
const (
	IDHelmValueSecret = "SEC001"
	IDConfigSecret    = "SEC002"
	IDSecretData      = "SEC003"
	IDEnvSecret       = "SEC004"
)

func init() {
	register(
		&Rule{
			ID:          IDHelmValueSecret,
			Description: "Helm values hold no password-like value in plain text.",
			Level:       Mandatory,
			Remediation: "Pass the value as a Pulumi secret (a secret config key through secret.Store), or point the chart at an existing Kubernetes Secret (existingSecret).",
			Types:       []string{TypeHelmRelease, TypeHelmChart},
			Resource:    checkHelmValues,
		},
		&Rule{
			ID:          IDConfigSecret,
			Description: "Stack configuration holds no password-like value in plain text.",
			Level:       Mandatory,
			Remediation: "Remove the value from Pulumi.<stack>.yaml and set it with `pulumi config set --secret <key> <value>`; refer to it by key name.",
			Types:       []string{TypeStackConfig},
			Resource:    checkConfigSecrets,
		},
		&Rule{
			ID:          IDSecretData,
			Description: "Kubernetes Secret data is a Pulumi secret, never plain text in the program.",
			Level:       Mandatory,
			Remediation: "Build the Secret's data/stringData from Pulumi secrets (config secrets, pulumi.ToSecret) so state and plans keep it encrypted.",
			Types:       []string{TypeSecret},
			Resource:    checkSecretData,
		},
		&Rule{
			ID:          IDEnvSecret,
			Description: "Containers take password-like environment variables from Secrets, not literals.",
			Level:       Advisory,
			Remediation: "Use env[].valueFrom.secretKeyRef or envFrom a Secret for credentials instead of env[].value.",
			Types:       WorkloadTypes,
			Resource:    checkEnvSecrets,
		},
	)
}

// secretKeyRE matches key names that hold a credential. A key merely ending in
// "Secret" (configSecret, tlsSecret, envFromSecret) names a Kubernetes Secret in
// most charts, so only "secret" itself and the usual credential compounds count.
var secretKeyRE = regexp.MustCompile(`(?i)(^secret|client_?secret|shared_?secret|webhook_?secret|jwt_?secret|hmac_?secret|app_?secret|api_?secret|password|passwd|passphrase|token|apikey|api_key|accesskey|access_key|secretkey|secret_key|privatekey|private_key|credentials?|webhookurl|webhook_url)$`)

// refKeyRE matches key names that name a credential held elsewhere (a Secret, a
// key in one, a file) rather than hold it.
var refKeyRE = regexp.MustCompile(`(?i)(^existing|name$|ref$|file$|path$)`)

// CredentialKeyName reports whether a key name looks like it holds a credential
// (adminPassword, secretKey, API_TOKEN), not like it names one held elsewhere
// (existingSecret, passwordSecretName).
func CredentialKeyName(key string) bool {
	return secretKeyRE.MatchString(key) && !refKeyRE.MatchString(key)
}

// credentialPatterns match values that are credentials whatever their key.
var credentialPatterns = []struct {
	what string
	re   *regexp.Regexp
}{
	{"an AWS access key ID", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
	{"an Alibaba Cloud AccessKey ID", regexp.MustCompile(`\bLTAI[0-9A-Za-z]{12,24}\b`)},
	{"a private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
	{"a URL with a password", regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@`)},
	{"a Slack token", regexp.MustCompile(`\bxox[abprs]-[0-9A-Za-z-]{10,}`)},
	{"a Slack webhook URL", regexp.MustCompile(`hooks\.slack\.com/services/T[0-9A-Z]+/`)},
	{"a GitHub token", regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{30,}`)},
	{"a WeCom webhook key", regexp.MustCompile(`qyapi\.weixin\.qq\.com/cgi-bin/webhook/send\?key=[0-9A-Za-z-]{8,}`)},
	{"a DingTalk robot token", regexp.MustCompile(`oapi\.dingtalk\.com/robot/send\?access_token=[0-9A-Za-z]{16,}`)},
}

// credentialIn returns what kind of credential a value contains, or "".
func credentialIn(s string) string {
	for _, p := range credentialPatterns {
		if p.re.MatchString(s) {
			return p.what
		}
	}
	return ""
}

// plainSecretValue reports whether a value under a credential-named key is a
// credential in plain text: a non-empty string that is not a marker or a reference
// to be resolved elsewhere (a Go/Helm template or an environment variable).
func plainSecretValue(v any) bool {
	s, ok := v.(string)
	if !ok || strings.TrimSpace(s) == "" || hidden(s) {
		return false
	}
	return !strings.Contains(s, "{{") && !strings.HasPrefix(s, "${") && !strings.HasPrefix(s, "$(")
}

// plainSecrets walks a value tree and reports every credential in plain text: a
// credential-named key with a plain string, or a credential-shaped value anywhere.
func plainSecrets(v any, base string) []struct{ path, why string } {
	var out []struct{ path, why string }
	add := func(path, why string) { out = append(out, struct{ path, why string }{path, why}) }
	if s, ok := v.(string); ok {
		if what := credentialIn(s); what != "" {
			add(base, "holds "+what)
		}
		return out
	}
	walkValues(v, base, func(path, key string, val any, _ map[string]any) {
		if s, ok := val.(string); ok {
			if CredentialKeyName(key) && plainSecretValue(s) {
				add(path, fmt.Sprintf("%q is a plain-text value", key))
			} else if what := credentialIn(s); what != "" {
				add(path, "holds "+what)
			}
		}
	})
	return out
}

func checkHelmValues(env *Env, r Resource) []Violation {
	var out []Violation
	for _, f := range plainSecrets(r.Inputs["values"], "values") {
		out = append(out, violation(r, f.path, "Helm value %s %s", f.path, f.why))
	}
	return out
}

func checkSecretData(env *Env, r Resource) []Violation {
	var out []Violation
	for _, field := range []string{"data", "stringData"} {
		v := r.Inputs[field]
		if v == nil || hidden(v) {
			continue
		}
		m, _ := v.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !hidden(m[k]) {
				out = append(out, violation(r, field+"."+k, "Secret key %q is plain text in the program", k))
			}
		}
	}
	return out
}

func checkEnvSecrets(env *Env, r Resource) []Violation {
	return eachContainer(r, func(_ map[string]any, c container) []Violation {
		var out []Violation
		for i, e := range getList(c.m, "env") {
			em, _ := e.(map[string]any)
			name := getString(em, "name")
			if CredentialKeyName(name) && plainSecretValue(em["value"]) {
				out = append(out, violation(r, indexPath(c.path+".env", i)+".value",
					"container %q sets %s to a literal value", getString(c.m, "name"), name))
			}
		}
		return out
	})
}

// ConfigResource presents a stack's configuration to the rules as one resource of
// type TypeStackConfig. config maps `namespace:key` to its value (structured values
// as decoded YAML or JSON); keys in secretKeys are replaced by Secret.
func ConfigResource(project, stack string, config map[string]any, secretKeys []string) Resource {
	in := make(map[string]any, len(config))
	for k, v := range config {
		if hasString(secretKeys, k) {
			v = Secret
		}
		in[k] = v
	}
	return Resource{
		URN:    StackURN(project, stack),
		Type:   TypeStackConfig,
		Name:   "Pulumi." + stack + ".yaml",
		Inputs: in,
	}
}

// StackURN is the URN of a stack's root resource, where stack-wide findings point.
func StackURN(project, stack string) string {
	return "urn:pulumi:" + stack + "::" + project + "::pulumi:pulumi:Stack::" + project + "-" + stack
}

// configKeyNameRE matches names a secret.Ref can take: a config key without namespace.
var configKeyNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)

func checkConfigSecrets(env *Env, r Resource) []Violation {
	var out []Violation
	for _, k := range slices.Sorted(maps.Keys(r.Inputs)) {
		v := r.Inputs[k]
		ns, name, ok := strings.Cut(k, ":")
		if !ok {
			name = k
		}
		if s, isString := v.(string); isString {
			if CredentialKeyName(name) && plainSecretValue(s) {
				out = append(out, violation(r, k, "config key %s is set in plain text", k))
			} else if what := credentialIn(s); what != "" {
				out = append(out, violation(r, k, "config key %s holds %s", k, what))
			}
			continue
		}
		walkValues(v, k, func(path, key string, val any, _ map[string]any) {
			s, isString := val.(string)
			if !isString {
				return
			}
			if what := credentialIn(s); what != "" {
				out = append(out, violation(r, path, "config value %s holds %s", path, what))
				return
			}
			if !CredentialKeyName(key) || !plainSecretValue(s) {
				return
			}
			// A credential-named field in structured config holds the name of a
			// secret config key (a secret.Ref). It is wrong when it cannot be a key
			// name (the secret itself was pasted), or names a key set in plain text.
			if !configKeyNameRE.MatchString(s) {
				out = append(out, violation(r, path, "%s is not a config key name: it looks like the secret itself", path))
				return
			}
			target := ns + ":" + s
			if ref, ok := r.Inputs[target]; ok && !hidden(ref) {
				out = append(out, violation(r, path, "%s names config key %s, which is set in plain text", path, target))
			}
		})
	}
	return out
}
