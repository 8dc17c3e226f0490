# shellcheck shell=bash disable=SC2034
# A TEST FIXTURE, not an ingress controller: the local cluster has none. ingress.py is the data plane
# of a tiny one (HTTPS on 443, routes by host and path prefix to Services, certificates by SNI); its
# "control loop" is whoever writes its routes from the Ingress objects (scripts/lib/ingress-fixture.ts).
# It runs in the namespace platform.yaml names for the ingress controller, so the SEI namespaces'
# NetworkPolicies (controller → app, app → controller on 443) are exercised as they would be by
# ingress-nginx. Runs as 65532; binding 443 needs the pod's net.ipv4.ip_unprivileged_port_start.
IMAGE_TAG=fixture-1
DEBIAN_PACKAGES=(python3)
IMAGE_ENTRYPOINT=(/usr/bin/python3 /opt/fixture/ingress.py)
IMAGE_USER=65532:65532
IMAGE_PORTS=(443/tcp)

customize() {
  add_user ingress 65532 /nonexistent
  install -D -m 0644 "$RECIPE/ingress.py" "$ROOTFS/opt/fixture/ingress.py"
}
