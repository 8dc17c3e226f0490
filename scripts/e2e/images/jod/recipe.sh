# shellcheck shell=bash disable=SC2034
# A STAND-IN for JODConverter + LibreOffice, not the real converter: JODConverter's REST application
# is not published as a runnable artifact on Maven Central. It keeps the contract of the chart's JOD
# pod (charts/sei): port 8080, uid 1000, HOME=/tmp; answers GET /actuator/health and
# POST /conversion?format=pdf, turning plain text (the request body, or the multipart field "data")
# into a PDF of that text; any other input or format gets 415. It enforces the multipart limits
# of the JOD image's own application.yaml (images/jod), installed where the JOD image has it.
repo="$(cd "$RECIPE/../../../.." && pwd)"
IMAGE_TAG=standin-2
DEBIAN_PACKAGES=(python3 python3-yaml)
IMAGE_INPUTS=("$repo/images/jod/application.yaml")
IMAGE_ENTRYPOINT=(/usr/bin/python3 /opt/standin/jod.py)
IMAGE_USER=1000:1000
IMAGE_ENV=(HOME=/tmp JOD_CONFIG=/opt/jod/application.yaml)
IMAGE_PORTS=(8080/tcp)

customize() {
  add_user jod 1000 /tmp
  install -D -m 0644 "$RECIPE/jod.py" "$ROOTFS"/opt/standin/jod.py
  install -D -m 0644 "${IMAGE_INPUTS[0]}" "$ROOTFS"/opt/jod/application.yaml
}
