#!/usr/bin/env bash
# Installs what training the recognition models needs, beside (not in)
# hw/setup-host.sh: the unit itself never needs PyTorch. Debian 12 packages
# only (python3-torch 1.13.1); does nothing when they are already there.
# Training runs with /usr/bin/python3 (Debian's), not a python3 earlier on PATH.
set -euo pipefail
# The fonts are the typefaces the generator varies plates with
# (PlateSpec::font in capture/synth.h); without them those plates are drawn
# in the default face, and the training set has less variety.
packages=(python3-torch python3-numpy python3-opencv
          fonts-dejavu-core fonts-dejavu-extra fonts-liberation fonts-freefont-ttf fonts-roboto-unhinted)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
/usr/bin/python3 -c 'import torch, numpy, cv2; print("training: torch", torch.__version__, "numpy", numpy.__version__, "opencv", cv2.__version__)'
