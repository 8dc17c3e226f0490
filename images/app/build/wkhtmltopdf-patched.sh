#!/bin/sh
# Build check of the SEI app image (docs/images.md, "app"): the wkhtmltopdf on
# PATH must be the patched-Qt build (wkhtmltox 0.12.6.1, the build context
# "wkhtmltox"). Debian's own package is built against unpatched Qt: it prints a
# warning for --disable-smart-shrinking and needs an X server, and SEI runs it
# with 2>&1 and takes any output for "Erro gerando PDF". Only the patched build
# says "(with patched qt)" in its version line.
set -eu
version=$(wkhtmltopdf --version 2>&1) || {
  echo "wkhtmltopdf --version failed: $version" >&2
  exit 1
}
case "$version" in
  *"(with patched qt)"*)
    echo "wkhtmltopdf: $version"
    ;;
  *)
    echo "wkhtmltopdf is not the patched-Qt build SEI needs (wkhtmltox 0.12.6.1, build context \"wkhtmltox\"): it says \"$version\"" >&2
    exit 1
    ;;
esac
