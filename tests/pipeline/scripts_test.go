package pipeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// fakeFleetplan is a stand-in for the fleetplan binary: `diff BASE HEAD` prints a
// line naming the stack and exits with $RC_<stack> (default 1, "changed");
// `check --plan P --sarif S --codequality C` writes one finding per stack to both
// files and exits with $RC_<stack> (default 0); `plan --dir D --stack S -o F`
// copies the stack file as the plan.
const fakeFleetplan = `#!/usr/bin/env bash
set -euo pipefail
cmd=$1; shift
case "$cmd" in
diff)
  s=$(basename "$2" .json); v="RC_$s"
  printf '### Stack \x60%s\x60 changed\n' "$s"
  exit "${!v:-1}" ;;
stacks)
  # stacks --dir D --json: every stack file of D, in name order.
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir=$2; shift 2 ;; --json) shift ;;
      *) echo "unexpected flag $1" >&2; exit 2 ;;
    esac
  done
  sep=""; printf '{"stacks":['
  for f in "$dir"/Pulumi.*.yaml; do s=$(basename "$f" .yaml); printf '%s{"name":"%s"}' "$sep" "${s#Pulumi.}"; sep=","; done
  printf ']}\n'
  exit 0 ;;
plan)
  # plan --dir D --stack S [--ref R] -o F --quiet: the "plan" is the stack file.
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir=$2; shift 2 ;; --stack) stack=$2; shift 2 ;; --ref) shift 2 ;;
      -o|--out) out=$2; shift 2 ;; --quiet) shift ;;
      *) echo "unexpected flag $1" >&2; exit 2 ;;
    esac
  done
  cp "$dir/Pulumi.$stack.yaml" "$out"
  exit 0 ;;
check)
  while [ $# -gt 0 ]; do
    case "$1" in
      --plan) plan=$2 ;; --sarif) sarif=$2 ;; --codequality) cq=$2 ;;
      *) echo "unexpected flag $1" >&2; exit 2 ;;
    esac
    shift 2
  done
  s=$(basename "$plan" .json); v="RC_$s"
  echo '{"version":"2.1.0"}' > "$sarif"
  printf '[{"check_name":"K8S004","fingerprint":"%s"}]\n' "$s" > "$cq"
  exit "${!v:-0}" ;;
esac
exit 2
`

func TestPlanComment(t *testing.T) {
	needTools(t, "bash")
	cases := []struct {
		name      string
		base      []string // stacks with a base plan
		env       []string
		code      int
		want      []string // lines of stdout, in order
		notWanted string
	}{
		{
			name: "every stack diffed; exit 1 from diff means changed, not failed",
			base: []string{"dev", "prod", "local"},
			env:  []string{"RC_dev=0"},
			want: []string{"<!-- fleetplan-diff -->", "## Offline plan diff", "### Stack `dev` changed", "### Stack `local` changed", "### Stack `prod` changed", "_Planned offline by `fleetplan`"},
		},
		{
			name: "a stack without a base plan is new",
			base: []string{"dev"},
			want: []string{"<!-- fleetplan-diff -->", "### Stack `dev` changed", "### Stack `local` is new", "### Stack `prod` is new"},
		},
		{
			name: "a stack planned only on the base has no stack file any more",
			base: []string{"dev", "prod", "local", "old"},
			want: []string{"### Stack `dev` changed", "### Stack `local` changed", "### Stack `old` has no stack file any more", "### Stack `prod` changed"},
		},
		{
			name:      "STACKS picks the stacks",
			base:      []string{"dev", "prod", "local"},
			env:       []string{"STACKS=prod"},
			want:      []string{"### Stack `prod` changed"},
			notWanted: "`dev`",
		},
		{
			name: "a failed diff stops the comment",
			base: []string{"dev", "prod", "local"},
			env:  []string{"RC_prod=2"},
			code: 2,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			bin := writeFile(t, dir, "fleetplan", fakeFleetplan)
			for _, s := range []string{"dev", "prod", "local"} {
				writeFile(t, dir, "head/"+s+".json", "{}")
			}
			for _, s := range tc.base {
				writeFile(t, dir, "base/"+s+".json", "{}")
			}
			res := runScript(t, dir, tc.env, script(t, "plan-comment.sh"), bin, filepath.Join(dir, "base"), filepath.Join(dir, "head"))
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", res.code, tc.code, res.stdout, res.stderr)
			}
			rest := res.stdout
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("comment lacks %q after the lines before it; comment:\n%s", w, res.stdout)
				}
				rest = rest[i+len(w):]
			}
			if tc.notWanted != "" && strings.Contains(res.stdout, tc.notWanted) {
				t.Errorf("comment has %q:\n%s", tc.notWanted, res.stdout)
			}
			if tc.code == 0 && !strings.HasPrefix(res.stdout, "<!-- fleetplan-diff -->\n") {
				t.Errorf("comment does not start with the sticky marker:\n%s", res.stdout)
			}
		})
	}
}

func TestPolicyCheck(t *testing.T) {
	needTools(t, "bash", "jq")
	cases := []struct {
		name   string
		env    []string
		code   int
		merged []string // fingerprints in the merged Code Quality report
	}{
		{name: "clean", code: 0, merged: []string{"dev", "prod"}},
		{name: "a mandatory violation fails after every stack ran", env: []string{"RC_dev=1"}, code: 1, merged: []string{"dev", "prod"}},
		{name: "a check that cannot run fails hard", env: []string{"RC_dev=2"}, code: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			bin := writeFile(t, dir, "fleetplan", fakeFleetplan)
			writeFile(t, dir, "plans/dev.json", "{}")
			writeFile(t, dir, "plans/prod.json", "{}")
			out := filepath.Join(dir, "out")
			res := runScript(t, dir, tc.env, script(t, "policy-check.sh"), bin, filepath.Join(dir, "plans"), out)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", res.code, tc.code, res.stdout, res.stderr)
			}
			if tc.merged == nil {
				return
			}
			for _, s := range []string{"dev", "prod"} {
				if _, err := os.Stat(filepath.Join(out, "sarif", s+".sarif")); err != nil {
					t.Errorf("no SARIF for %s: %v", s, err)
				}
			}
			var issues []struct {
				Fingerprint string `json:"fingerprint"`
			}
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, "gl-code-quality-report.json"))), &issues); err != nil {
				t.Fatalf("merged report is not a JSON array: %v", err)
			}
			var got []string
			for _, i := range issues {
				got = append(got, i.Fingerprint)
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tc.merged, ",") {
				t.Errorf("merged report has %v, want %v", got, tc.merged)
			}
		})
	}
	t.Run("no plans is an error", func(t *testing.T) {
		dir := t.TempDir()
		res := runScript(t, dir, nil, script(t, "policy-check.sh"), "/bin/false", dir, filepath.Join(dir, "out"))
		if res.code != 2 || !strings.Contains(res.stderr, "no plans") {
			t.Errorf("exit %d, stderr %q; want 2 and 'no plans'", res.code, res.stderr)
		}
	})
}

func TestGitLabAffected(t *testing.T) {
	needTools(t, "bash", "git")
	ci := map[string]string{}
	for _, f := range []string{"affected-stacks.sh", "gitlab-affected.sh", "stacks"} {
		ci[".ci/"+f] = readFile(t, filepath.Join("..", "..", ".ci", f))
	}
	ci["README.md"] = "x"
	dir, git := gitRepo(t, ci)
	base := git("rev-parse", "HEAD")
	writeFile(t, dir, "Pulumi.prod-aws.yaml", "changed")
	git("add", "-A")
	git("commit", "-qm", "prod-aws only")
	const zero = "0000000000000000000000000000000000000000"
	var listed []string // .ci/stacks, in its order
	for _, l := range strings.Split(ci[".ci/stacks"], "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			listed = append(listed, `"`+l+`"`)
		}
	}
	every := "[" + strings.Join(listed, ",") + "]"
	cases := []struct {
		name string
		env  []string
		want string
	}{
		{"merge request: from the merge base", []string{"CI_PIPELINE_SOURCE=merge_request_event", "CI_MERGE_REQUEST_DIFF_BASE_SHA=" + base}, `["prod-aws"]`},
		{"push: from the previous tip", []string{"CI_PIPELINE_SOURCE=push", "CI_COMMIT_BEFORE_SHA=" + base}, `["prod-aws"]`},
		{"push of a new branch: every stack", []string{"CI_PIPELINE_SOURCE=push", "CI_COMMIT_BEFORE_SHA=" + zero}, every},
		{"base missing from a shallow clone: every stack", []string{"CI_PIPELINE_SOURCE=push", "CI_COMMIT_BEFORE_SHA=1234567890123456789012345678901234567890"}, every},
		{"schedule: every stack", []string{"CI_PIPELINE_SOURCE=schedule", "CI_COMMIT_BEFORE_SHA=" + base}, every},
		{"manual run: every stack", []string{"CI_PIPELINE_SOURCE=web"}, every},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runScript(t, dir, tc.env, filepath.Join(dir, ".ci", "gitlab-affected.sh"))
			if res.code != 0 || strings.TrimSpace(res.stdout) != tc.want {
				t.Errorf("exit %d, stacks %q; want 0, %s\n%s", res.code, strings.TrimSpace(res.stdout), tc.want, res.stderr)
			}
		})
	}
	t.Run("STACK mode answers with the exit code", func(t *testing.T) {
		env := []string{"CI_PIPELINE_SOURCE=push", "CI_COMMIT_BEFORE_SHA=" + base}
		for stack, want := range map[string]int{"prod-aws": 0, "dev": 1, "prod": 1, "prod-aws-cluster": 1} {
			if res := runScript(t, dir, env, filepath.Join(dir, ".ci", "gitlab-affected.sh"), stack); res.code != want {
				t.Errorf("stack %s: exit %d, want %d (%s)", stack, res.code, want, res.stderr)
			}
		}
	})
}

func TestGitLabCloudLogin(t *testing.T) {
	needTools(t, "bash")
	// Sources the script like a job does, then prints what a provider would read.
	show := `set -euo pipefail; . "$1"
for v in AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_REGION ARM_USE_OIDC ARM_OIDC_TOKEN ARM_CLIENT_ID ARM_TENANT_ID ARM_SUBSCRIPTION_ID ALICLOUD_REGION; do
  echo "$v=${!v:-}"
done
echo "AWS_TOKEN=$( [ -n "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ] && cat "$AWS_WEB_IDENTITY_TOKEN_FILE")"
echo "AZURE_TOKEN=$( [ -n "${AZURE_FEDERATED_TOKEN_FILE:-}" ] && cat "$AZURE_FEDERATED_TOKEN_FILE")"
`
	cases := []struct {
		name   string
		env    []string
		code   int
		want   []string
		stderr string
	}{
		{
			name: "no cloud variables: nothing set",
			want: []string{"AWS_ROLE_ARN=", "ARM_USE_OIDC=", "AWS_TOKEN=", "AZURE_TOKEN=", "ALICLOUD_REGION="},
		},
		{
			name: "AWS: web identity from the ID token",
			env:  []string{"AWS_ROLE_ARN=arn:aws:iam::1:role/deploy", "AWS_ID_TOKEN=aws.jwt", "CI_PROJECT_ID=100", "CI_JOB_ID=5"},
			want: []string{"AWS_ROLE_ARN=arn:aws:iam::1:role/deploy", "AWS_ROLE_SESSION_NAME=gitlab-100-5", "AWS_REGION=us-east-1", "AWS_TOKEN=aws.jwt"},
		},
		{
			name:   "AWS role without the ID token fails",
			env:    []string{"AWS_ROLE_ARN=arn:aws:iam::1:role/deploy"},
			code:   1,
			stderr: "no AWS_ID_TOKEN",
		},
		{
			name: "Azure: federated credential from the ID token",
			env:  []string{"AZURE_CLIENT_ID=c", "AZURE_TENANT_ID=t", "AZURE_SUBSCRIPTION_ID=s", "AZURE_ID_TOKEN=az.jwt"},
			want: []string{"ARM_USE_OIDC=true", "ARM_OIDC_TOKEN=az.jwt", "ARM_CLIENT_ID=c", "ARM_TENANT_ID=t", "ARM_SUBSCRIPTION_ID=s", "AZURE_TOKEN=az.jwt"},
		},
		{
			name: "Alibaba: the runner's ECS RAM role",
			env:  []string{"ALICLOUD_ECS_ROLE_NAME=fleetform-deployer"},
			want: []string{"ALICLOUD_REGION=cn-hangzhou"},
		},
		{
			name:   "Alibaba: OIDC variables are ignored with a warning (v3.10.0 has no OIDC assume-role)",
			env:    []string{"ALICLOUD_ACCESS_KEY=ak", "ALICLOUD_SECRET_KEY=sk", "ALICLOUD_REGION=cn-shanghai", "ALICLOUD_ROLE_ARN=acs:ram::1:role/x"},
			want:   []string{"ALICLOUD_REGION=cn-shanghai"},
			stderr: "no OIDC assume-role",
		},
		{
			name:   "Alibaba: an AccessKey without its secret fails",
			env:    []string{"ALICLOUD_ACCESS_KEY=ak"},
			code:   1,
			stderr: "without ALICLOUD_SECRET_KEY",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			runner := writeFile(t, dir, "show.sh", show)
			res := runScript(t, dir, append(tc.env, "TMPDIR="+dir), runner, script(t, "gitlab-cloud-login.sh"))
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", res.code, tc.code, res.stdout, res.stderr)
			}
			lines := map[string]bool{}
			for _, l := range strings.Split(res.stdout, "\n") {
				lines[l] = true
			}
			for _, w := range tc.want {
				if !lines[w] {
					t.Errorf("environment lacks %q; got:\n%s", w, res.stdout)
				}
			}
			if !strings.Contains(res.stderr, tc.stderr) {
				t.Errorf("stderr %q lacks %q", res.stderr, tc.stderr)
			}
		})
	}
}

// plan-review.sh against a fake `go` whose build installs the fake fleetplan: the
// base is planned from a worktree of the base commit, which is removed afterwards.
func TestPlanReview(t *testing.T) {
	needTools(t, "bash", "git", "jq")
	files := map[string]string{"README.md": "x", "cmd/fleetplan/main.go": "package main\n"}
	for _, f := range []string{"plan-review.sh", "plan-all.sh", "plan-comment.sh"} {
		files[".ci/"+f] = readFile(t, filepath.Join("..", "..", ".ci", f))
	}
	for _, s := range []string{"dev", "prod", "local"} {
		files["Pulumi."+s+".yaml"] = s + " v1\n"
	}
	bin := t.TempDir()
	fake := writeFile(t, bin, "fleetplan.fake", fakeFleetplan)
	// go build -o OUT ./cmd/fleetplan, run where the package exists.
	writeFile(t, bin, "go", "#!/usr/bin/env bash\n[ \"$1 $2\" = 'build -o' ] && [ -d cmd/fleetplan ] && cp "+fake+" \"$3\"\n")
	env := []string{"PATH=" + bin + ":" + os.Getenv("PATH")}

	t.Run("base and head planned, comment written, worktree gone", func(t *testing.T) {
		dir, git := gitRepo(t, files)
		base := git("rev-parse", "HEAD")
		writeFile(t, dir, "Pulumi.prod.yaml", "prod v2\n")
		git("commit", "-qam", "prod v2")
		res := runScript(t, dir, env, filepath.Join(dir, ".ci", "plan-review.sh"), base, "out")
		if res.code != 0 {
			t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
		for path, want := range map[string]string{"out/base/prod.json": "prod v1\n", "out/head/prod.json": "prod v2\n", "out/base/dev.json": "dev v1\n"} {
			if got := readFile(t, filepath.Join(dir, path)); got != want {
				t.Errorf("%s = %q, want %q", path, got, want)
			}
		}
		comment := readFile(t, filepath.Join(dir, "out", "comment.md"))
		if !strings.HasPrefix(comment, "<!-- fleetplan-diff -->") || !strings.Contains(comment, "### Stack `prod` changed") {
			t.Errorf("comment:\n%s", comment)
		}
		if wt := git("worktree", "list"); strings.Count(wt, "\n") != 0 {
			t.Errorf("worktrees left behind:\n%s", wt)
		}
	})
	t.Run("a base without fleetplan: every stack is new", func(t *testing.T) {
		old := map[string]string{"README.md": "x"}
		dir, git := gitRepo(t, old)
		base := git("rev-parse", "HEAD")
		for name, body := range files {
			writeFile(t, dir, name, body)
		}
		git("add", "-A")
		git("commit", "-qm", "fleetplan arrives")
		res := runScript(t, dir, env, filepath.Join(dir, ".ci", "plan-review.sh"), base, "out")
		if res.code != 0 {
			t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
		comment := readFile(t, filepath.Join(dir, "out", "comment.md"))
		for _, s := range []string{"dev", "prod", "local"} {
			if !strings.Contains(comment, "### Stack `"+s+"` is new") {
				t.Errorf("comment lacks stack %s as new:\n%s", s, comment)
			}
		}
	})
}
