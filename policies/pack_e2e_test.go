package main

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/fleetform/fleetform/policies/rules"
)

// startPack builds the policy pack and starts it as the engine would: it prints
// its port, then serves the Analyzer gRPC service.
func startPack(t *testing.T) pulumirpc.AnalyzerClient {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fleetform-policies")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the pack's port: %v", err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("pack printed %q, want a port", line)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return pulumirpc.NewAnalyzerClient(conn)
}

func props(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(resource.NewPropertyMapFromMap(m), plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPackOverGRPC runs the built pack the way `pulumi preview --policy-pack`
// does: handshake, stack configuration, analyzer info, per-resource and stack
// analysis, and checks the diagnostics.
func TestPackOverGRPC(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the policy pack")
	}
	client := startPack(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	root, _ := filepath.Abs(".")
	if _, err := client.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{RootDirectory: &root, ProgramDirectory: &root}); err != nil {
		t.Fatalf("Handshake: %v", err)
	}
	if _, err := client.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{
		Stack: "dev", Project: "fleetform", Organization: "organization", DryRun: true,
		Config: map[string]string{
			"fleetform:platform":             `{"monitoring": {"grafanaAdminPassword": "grafanaAdminPassword"}}`,
			"fleetform:grafanaAdminPassword": "admin123",
			"aws:region":                     "us-east-1",
		},
	}); err != nil {
		t.Fatalf("ConfigureStack: %v", err)
	}
	info, err := client.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatalf("GetAnalyzerInfo: %v", err)
	}
	levels := map[string]pulumirpc.EnforcementLevel{}
	for _, p := range info.GetPolicies() {
		levels[p.GetName()] = p.GetEnforcementLevel()
	}
	if info.GetName() != PackName || len(levels) != len(rules.All()) ||
		levels[rules.IDPrivileged] != pulumirpc.EnforcementLevel_MANDATORY || levels[rules.IDImageTag] != pulumirpc.EnforcementLevel_ADVISORY {
		t.Fatalf("analyzer info %q with levels %v: want %d policies, dev levels from config.yaml", info.GetName(), levels, len(rules.All()))
	}

	pod := map[string]any{"containers": []any{map[string]any{
		"name": "web", "image": "nginx:latest",
		"securityContext": map[string]any{"privileged": true, "allowPrivilegeEscalation": false, "runAsNonRoot": true},
		"resources":       map[string]any{"requests": map[string]any{"cpu": "1", "memory": "1Gi"}, "limits": map[string]any{"cpu": "1", "memory": "1Gi"}},
	}}}
	deploy := map[string]any{"metadata": map[string]any{"name": "web", "namespace": "qa"}, "spec": map[string]any{"template": map[string]any{"spec": pod}}}
	urn := "urn:pulumi:dev::fleetform::kubernetes:apps/v1:Deployment::web"
	resp, err := client.Analyze(ctx, &pulumirpc.AnalyzeRequest{Type: rules.TypeDeployment, Urn: urn, Name: "web", Properties: props(t, deploy)})
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	var got []string
	for _, d := range resp.GetDiagnostics() {
		got = append(got, d.GetPolicyName()+":"+d.GetEnforcementLevel().String()+":"+d.GetUrn())
		if !strings.Contains(d.GetMessage(), "Remediation: ") {
			t.Errorf("diagnostic %s lacks the remediation: %q", d.GetPolicyName(), d.GetMessage())
		}
	}
	want := []string{"K8S001:ADVISORY:" + urn, "K8S004:MANDATORY:" + urn}
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Analyze diagnostics %v, want %v", got, want)
	}

	ns := map[string]any{"metadata": map[string]any{"name": "qa", "labels": map[string]any{"fleetform.io/tier": "qa"}}}
	stackResp, err := client.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: []*pulumirpc.AnalyzerResource{
		{Type: rules.TypeNamespace, Urn: "urn:pulumi:dev::fleetform::kubernetes:core/v1:Namespace::qa", Name: "qa", Properties: props(t, ns)},
		{Type: rules.TypeDeployment, Urn: urn, Name: "web", Properties: props(t, deploy)},
	}})
	if err != nil {
		t.Fatalf("AnalyzeStack: %v", err)
	}
	got = nil
	for _, d := range stackResp.GetDiagnostics() {
		got = append(got, d.GetPolicyName()+":"+d.GetEnforcementLevel().String())
	}
	sort.Strings(got)
	// dev: namespace rules advisory; SEC002 mandatory, twice: the password key is
	// plain, and the platform config refers to it.
	want = []string{"ENV001:ADVISORY", "ENV002:ADVISORY", "ENV003:ADVISORY", "SEC002:MANDATORY", "SEC002:MANDATORY"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("AnalyzeStack diagnostics %v, want %v", got, want)
	}
}
