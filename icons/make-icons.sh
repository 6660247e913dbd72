#!/bin/bash
# Draws the Kalshi MM mark: an order-book depth chart (bids left, asks right) around a mid-price line.
# Regenerates icons/source.png, icons/tray/*.png and (via `tauri icon`) every bundle size.
# Needs ImageMagick 6 (`apt-get install imagemagick`) and `npm install` in ui/.
# Usage, from anywhere: icons/make-icons.sh
set -euo pipefail
cd "$(dirname "$0")"
IM=/usr/bin/convert
mkdir -p tray
left="176,780 176,300 240,300 240,400 304,400 304,480 368,480 368,560 432,560 432,620 496,620 496,780"
right="848,780 848,300 784,300 784,400 720,400 720,480 656,480 656,560 592,560 592,620 528,620 528,780"
# App icon: dark rounded tile, green bids, red asks, white mid line.
$IM -size 1024x1024 xc:none \
  -fill '#0f151c' -stroke '#2a3644' -strokewidth 8 -draw "roundrectangle 68,68 956,956 190,190" \
  -stroke none \
  -fill '#2fbf71' -draw "polygon $left" \
  -fill '#e5484d' -draw "polygon $right" \
  -fill '#e8eef5' -draw "roundrectangle 505,210 519,820 7,7" \
  -fill '#e8eef5' -draw "roundrectangle 150,792 874,808 8,8" \
  -depth 8 PNG32:source.png
# Tray icons (32x32): the same mark simplified for the pixel grid (3 steps a side, a clear gap for
# the spread) in one status colour on a transparent background. Drawn at 32x scale on whole-pixel
# boundaries, then box-downsampled, so the edges stay crisp.
tleft="64,832 64,192 192,192 192,384 320,384 320,576 448,576 448,832"
tright="960,832 960,192 832,192 832,384 704,384 704,576 576,576 576,832"
tray() { # name colour
  $IM -size 1024x1024 xc:none \
    -fill "$2" -draw "polygon $tleft" -draw "polygon $tright" \
    -draw "rectangle 64,896 959,959" \
    -filter Box -resize 32x32 -depth 8 PNG32:"tray/$1.png"
}
tray active '#2fbf71'
tray halted '#e5484d'
tray disconnected '#8a96a3'

# All bundle sizes from the source; mobile targets are not built, so drop their folders.
npx --prefix ../ui tauri icon source.png -o .
rm -rf android ios
