# shellcheck shell=bash disable=SC2034
# The pod sandbox image (containerd's sandbox image, see cluster.sh): one static C program.
IMAGE_TAG=1.0
IMAGE_ENTRYPOINT=(/pause)
IMAGE_USER=65535:65535

customize() {
  gcc -static -Os -s -Wall -Werror -o "$ROOTFS/pause" "$RECIPE/pause.c"
}
