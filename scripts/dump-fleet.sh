#!/usr/bin/env bash
# Dump a fleet for `fleetsim import`: one folder per member cluster, named after it, and one for the
# Karmada control plane, with exactly the kubectl commands README "Model your own fleet" lists.
#
#   scripts/dump-fleet.sh -o dumps [-k KARMADA_CONTEXT] NAME=CONTEXT [NAME=CONTEXT ...]
#   fleetsim import dumps/ --out fleet.yaml
#
# NAME is the cluster's name in the scenario (a DNS label; use the Karmada Cluster object's name
# so that its region, zones, taints and bindings line up); CONTEXT its kubeconfig context.
# KARMADA_CONTEXT is the context of the Karmada API server (karmada-apiserver), if there is one.
# Volcano's objects are dumped where its CRDs are installed. Read-only: only `kubectl get`.
set -euo pipefail

out=""
karmada=""
while getopts "o:k:h" opt; do
  case "$opt" in
    o) out="$OPTARG" ;;
    k) karmada="$OPTARG" ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ -z "$out" ] || [ "$#" -eq 0 ]; then sed -n '2,13p' "$0"; exit 2; fi

# Write into a fresh folder and move it into place at the end: an interrupted dump leaves nothing half-written.
tmp="$(mktemp -d "${out%/}.tmp-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

for member in "$@"; do
  name="${member%%=*}"
  ctx="${member#*=}"
  if ! [[ "$name" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || [ "$name" = "$member" ]; then
    echo "dump-fleet: expected NAME=CONTEXT with NAME a DNS label, found \"$member\"" >&2
    exit 2
  fi
  mkdir -p "$tmp/$name"
  echo "dump-fleet: $name (context $ctx)" >&2
  kubectl --context "$ctx" get nodes -o json > "$tmp/$name/nodes.json"
  kubectl --context "$ctx" get pods -A -o json > "$tmp/$name/pods.json"
  kubectl --context "$ctx" get priorityclasses -o json > "$tmp/$name/priorityclasses.json"
  # The pods' controllers, to group them back into their workloads (ReplicaSet -> Deployment, Job -> CronJob).
  kubectl --context "$ctx" get replicasets,deployments,statefulsets,daemonsets,jobs,cronjobs -A -o json > "$tmp/$name/controllers.json"
  if kubectl --context "$ctx" api-resources --api-group=scheduling.volcano.sh -o name 2>/dev/null | grep -q queues; then
    kubectl --context "$ctx" get queues.scheduling.volcano.sh,podgroups.scheduling.volcano.sh,jobs.batch.volcano.sh -A -o json > "$tmp/$name/volcano.json"
  fi
done

if [ -n "$karmada" ]; then
  mkdir -p "$tmp/karmada"
  echo "dump-fleet: Karmada control plane (context $karmada)" >&2
  kubectl --context "$karmada" get clusters.cluster.karmada.io,propagationpolicies.policy.karmada.io,clusterpropagationpolicies.policy.karmada.io,overridepolicies.policy.karmada.io,clusteroverridepolicies.policy.karmada.io,resourcebindings.work.karmada.io,clusterresourcebindings.work.karmada.io,federatedhpas.autoscaling.karmada.io -A -o yaml > "$tmp/karmada/karmada.yaml"
  kubectl --context "$karmada" get priorityclasses -o yaml > "$tmp/karmada/priorityclasses.yaml"
fi

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "dump-fleet: wrote $out; next: fleetsim import $out --out fleet.yaml" >&2
