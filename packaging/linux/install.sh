#!/bin/sh
# Add this unpacked Hearth to your app menu (no root needed): the desktop entry, icons and AppStream
# metadata go to ~/.local/share, pointing at this folder. Run it again after moving the folder;
# ./install.sh --remove takes them out again.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
ID=io.github.hearth.Hearth
if [ "${1:-}" = "--remove" ]; then
    rm -f "$DATA/applications/$ID.desktop" "$DATA/metainfo/$ID.metainfo.xml"
    find "$DATA/icons/hicolor" -name "$ID.*" -delete 2>/dev/null || true
    echo "Hearth removed from the app menu (this folder is untouched)."
    exit 0
fi
(cd "$HERE/share" && find . -type f) | while read -r f; do
    mkdir -p "$DATA/$(dirname "$f")"
    cp "$HERE/share/$f" "$DATA/$f"
done
sed -i "s|^Exec=.*|Exec=\"$HERE/hearth\"|" "$DATA/applications/$ID.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database "$DATA/applications" || true
echo "Hearth added to the app menu (runs $HERE/hearth)."
