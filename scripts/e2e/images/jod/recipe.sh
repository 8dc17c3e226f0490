# shellcheck shell=bash disable=SC2034
# A STAND-IN for JODConverter + LibreOffice, not the real converter: JODConverter's REST application
# is not published as a runnable artifact on Maven Central. It keeps the contract of the chart's JOD
# pod (charts/sei): port 8080, uid 1000, HOME=/tmp; answers GET /actuator/health and
# POST /conversion?format=pdf, turning plain text (the request body, or the multipart field "data")
# into a PDF of that text; any other input or format gets 415.
IMAGE_TAG=standin-1
DEBIAN_PACKAGES=(python3)
IMAGE_ENTRYPOINT=(/usr/bin/python3 /opt/standin/jod.py)
IMAGE_USER=1000:1000
IMAGE_ENV=(HOME=/tmp)
IMAGE_PORTS=(8080/tcp)

customize() {
  add_user jod 1000 /tmp
  install -D -m 0644 "$RECIPE/jod.py" "$ROOTFS"/opt/standin/jod.py
}
