package tests

import (
	"fmt"
	"strings"
)

// fleetSpec sizes a generated fleet: Clusters clusters (AWS, Azure and Alibaba Cloud in
// turn), each with Envs environments, and Releases apps released to every environment.
type fleetSpec struct {
	Clusters, Envs, Releases int
}

// fleetYAML writes the stack file of a generated fleet. It is built like the real
// stacks: the first cluster is the federation hub and runs Harbor, the others are
// spokes; every release is a canary with analysis behind an Ingress.
func fleetYAML(f fleetSpec) string {
	var b strings.Builder
	// Its prod clusters are private: the generated stack deploys from a runner inside their network.
	b.WriteString("config:\n  fleetform:stack: {runnerNetwork: cluster}\n  fleetform:clusters:\n")
	for i := 0; i < f.Clusters; i++ {
		role := "spoke"
		if i == 0 {
			role = "hub"
		}
		fmt.Fprintf(&b, "    - name: c%d\n      environment: fleet\n      federation: %s\n", i, role)
		octet := 10 + i
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, `      cloud: aws
      region: us-east-1
      kubernetesVersion: "1.35"
      network: {vpcCidr: 10.%d.0.0/16, serviceCidr: 172.20.0.0/16, zones: 2}
      nodePools:
        - {name: general, instanceTypes: [m6i.large], minSize: 2, desiredSize: 2, maxSize: 6}
      aws:
        availabilityZones: [us-east-1a, us-east-1b]
        natGateways: single
        endpointAccess: private
`, octet)
		case 1:
			fmt.Fprintf(&b, `      cloud: azure
      region: westeurope
      kubernetesVersion: "1.36"
      network: {vpcCidr: 10.%d.0.0/16, podCidr: 10.%d.64.0/18, serviceCidr: 172.21.0.0/16, zones: 3}
      nodePools:
        - {name: system, system: true, instanceTypes: [Standard_D4s_v5], minSize: 2, desiredSize: 2, maxSize: 4}
        - {name: apps, instanceTypes: [Standard_D8s_v5], minSize: 2, desiredSize: 2, maxSize: 10}
      azure: {networkMode: podSubnet, networkPolicy: cilium, aadRbac: false, endpointAccess: private}
`, octet, octet)
		default:
			fmt.Fprintf(&b, `      cloud: alicloud
      region: cn-hangzhou
      kubernetesVersion: 1.36.1-aliyun.1
      network: {vpcCidr: 10.%d.0.0/16, podCidr: 10.%d.128.0/17, serviceCidr: 172.22.0.0/16, zones: 3}
      nodePools:
        - {name: apps, instanceTypes: [ecs.g7.xlarge], minSize: 2, desiredSize: 2, maxSize: 8}
      alicloud: {zoneIds: [cn-hangzhou-h, cn-hangzhou-i, cn-hangzhou-j]}
`, octet, octet)
		}
	}
	// Every team's group, and the admins, on every cloud (fleetform:identities).
	b.WriteString("  fleetform:identities:\n    admins: [fleet-admins]\n    groups:\n")
	b.WriteString("      fleet-admins: {aws: arn:aws:iam::111122223333:role/fleet-admins, azure: 00000000-0000-4000-8000-000000000100, alicloud: \"300000000000000100\"}\n")
	for t := 0; t < 7; t++ {
		fmt.Fprintf(&b, "      team%d-developers: {aws: arn:aws:iam::111122223333:role/team%d, azure: 00000000-0000-4000-8000-%012d, alicloud: \"2000000000000000%02d\"}\n", t, t, t, t)
	}
	b.WriteString(`  fleetform:platform:
    edge: ingress-nginx
    monitoring:
      grafanaAdminPassword: grafanaAdminPassword
      federation: {domain: fleet.example.com, password: federationPassword, tlsSecretName: federate-tls}
    logging: {backend: loki}
    tracing: {token: tracingToken, hub: {tlsSecretName: otlp-tls}}
    backups: {alicloud: {accessKeyId: aliVeleroKeyId, accessKeySecret: aliVeleroKeySecret}}
    harbor:
      cluster: c0
      host: harbor.fleet.example.com
      tlsSecretName: harbor-tls
      adminPassword: harborAdminPassword
      secretKey: harborSecretKey
      database: {password: harborDatabasePassword}
      pullUsername: robot$fleet
      pullPassword: harborPullToken
  fleetform:environments:
`)
	for c := 0; c < f.Clusters; c++ {
		for e := 0; e < f.Envs; e++ {
			fmt.Fprintf(&b, "    - {name: env%d, cluster: c%d, team: team%d, access: [{group: team%d-developers, role: edit}]}\n", e, c, e%7, e%7)
		}
	}
	b.WriteString("  fleetform:releases:\n")
	for r := 0; r < f.Releases; r++ {
		fmt.Fprintf(&b, `    - name: app%d
      image: harbor.fleet.example.com/apps/app%d:1.0.%d
      ports: [{name: http, containerPort: 8080}]
      resources: {requestsCpu: 100m, requestsMemory: 128Mi, limitsCpu: 500m, limitsMemory: 256Mi}
      probes: {liveness: {path: /healthz, port: http}, readiness: {path: /ready, port: http}}
      strategy:
        canary:
          steps: [{setWeight: 20}, {pause: {duration: 1m}}, {analysis: true}, {setWeight: 60}]
      ingress: {host: app%d.fleet.example.com, paths: [/], tlsSecretName: app-tls}
      autoscaling: {minReplicas: 2, maxReplicas: 6, targetCpuPercent: 70}
      environments:
`, r, r, r, r)
		for e := 0; e < f.Envs; e++ {
			fmt.Fprintf(&b, "        env%d: {}\n", e)
		}
	}
	return b.String()
}
