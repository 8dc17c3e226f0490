# shellcheck shell=bash disable=SC2034
# Cluster DNS: the CoreDNS build of scripts/e2e/node-toolchain.sh, alone in the image.
IMAGE_TAG=1.15.0
IMAGE_INPUTS=("${SEI_E2E_COREDNS:?run scripts/e2e/toolchain.sh first}")
IMAGE_ENTRYPOINT=(/coredns)
IMAGE_USER=65532:65532
IMAGE_PORTS=(53/udp 53/tcp)

customize() {
  install -m 0755 "$SEI_E2E_COREDNS" "$ROOTFS/coredns"
}
