# shellcheck shell=bash disable=SC2034
# NetworkPolicy enforcement (kube-network-policies, patched for this kernel: see node-toolchain.sh),
# alone in the image; runs as a host-network pod with NET_ADMIN (addons/kube-network-policies.yaml).
IMAGE_TAG=0.8.0
IMAGE_INPUTS=("${SEI_E2E_KUBE_NETWORK_POLICIES:?run scripts/e2e/toolchain.sh first}")
IMAGE_ENTRYPOINT=(/kube-network-policies)

customize() {
  install -m 0755 "$SEI_E2E_KUBE_NETWORK_POLICIES" "$ROOTFS/kube-network-policies"
}
