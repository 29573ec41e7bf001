#!/usr/bin/env bash
# make dist, Linux part: the PyInstaller bundle, then dist/hearth-VERSION-linux-x86_64.tar.gz (portable:
# unpack, run ./hearth, optionally ./install.sh for the app menu) and dist/hearth_VERSION_amd64.deb
# (built offline with dpkg-deb: /opt/hearth, /usr/bin/hearth, desktop entry, icons, AppStream).
# Usage: packaging/linux/build.sh PYTHON   (the Python of the clean dist environment)
set -euo pipefail
PY=${1:?usage: build.sh PYTHON}
cd "$(dirname "$0")/../.."
ID=io.github.hearth.Hearth
VERSION=$("$PY" -c 'import importlib.metadata as m; print(m.version("hearth"))')
DATE=$(date -u +%Y-%m-%d)
NAME=hearth-$VERSION

step() { echo "dist: $* ($(date +%T))"; }

step "PyInstaller bundle"
rm -rf build/bundle build/pyinstaller
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath build/bundle --workpath build/pyinstaller \
    packaging/hearth.spec

# symbol tables are not needed to run (exported symbols stay): 177 MB, 115 of them libtorch and
# libpython. Not the executable (its archive is appended to it), nor the libraries auditwheel
# grafted into *.libs/ folders (patchelf-rewritten files, which strip can break).
step "strip libraries"
find build/bundle/hearth/_internal -type f -name '*.so*' -not -path '*.libs/*' -print0 |
    xargs -0 strip --strip-unneeded

# desktop integration, laid out as under /usr: share/{applications,icons,metainfo}
share() {  # share ROOT EXEC: the .desktop entry (Exec=EXEC), icons and metainfo under ROOT
    local root=$1 exec=$2
    install -Dm644 packaging/linux/$ID.desktop "$root/applications/$ID.desktop"
    sed -i "s|^Exec=.*|Exec=$exec|" "$root/applications/$ID.desktop"
    install -Dm644 resources/icons/hearth.svg "$root/icons/hicolor/scalable/apps/$ID.svg"
    for png in resources/icons/hearth-*.png; do
        size=${png##*-}; size=${size%.png}
        install -Dm644 "$png" "$root/icons/hicolor/${size}x${size}/apps/$ID.png"
    done
    mkdir -p "$root/metainfo"
    sed "s/@VERSION@/$VERSION/; s/@DATE@/$DATE/" packaging/linux/$ID.metainfo.xml.in \
        > "$root/metainfo/$ID.metainfo.xml"
}

step "portable .tar.gz"
rm -rf build/stage && mkdir -p build/stage dist
cp -al build/bundle/hearth "build/stage/$NAME"  # hard links: 1.4 GB less disk
share "build/stage/$NAME/share" hearth
install -m755 packaging/linux/install.sh "build/stage/$NAME/install.sh"
tar -C build/stage -cf - "$NAME" | gzip -6 > "dist/$NAME-linux-x86_64.tar.gz"

step ".deb"
DEB=build/deb
rm -rf $DEB && mkdir -p $DEB/opt $DEB/usr/bin $DEB/DEBIAN
cp -al build/bundle/hearth $DEB/opt/hearth
ln -s /opt/hearth/hearth $DEB/usr/bin/hearth
share $DEB/usr/share hearth
# what the bundle takes from the system: libc, the graphics stack, fonts, D-Bus, and the X11 (xcb)
# libraries Qt's window system plugin needs; Vulkan drivers are optional (the CPU runs without them)
cat > $DEB/DEBIAN/control <<CONTROL
Package: hearth
Version: $VERSION
Architecture: amd64
Maintainer: Hearth developers <hearth@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN $DEB | cut -f1)
Depends: libc6 (>= 2.28), libegl1, libgl1, libfontconfig1, libfreetype6, libdbus-1-3, libglib2.0-0, libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-render-util0, libxcb-xkb1, libxcb-shape0, libx11-xcb1
Recommends: libvulkan1, mesa-vulkan-drivers
Section: utils
Priority: optional
Description: Chat with local language models and your PDFs, offline
 Hearth runs quantized language models on this computer (llama.cpp), answers
 questions about PDFs with citations of file and page, and picks models that
 fit the machine's memory. A small starter model is included.
CONTROL
dpkg-deb --root-owner-group -Zgzip -z6 --build $DEB "dist/hearth_${VERSION}_amd64.deb" >/dev/null
rm -rf build/stage $DEB
step "done"
ls -l "dist/$NAME-linux-x86_64.tar.gz" "dist/hearth_${VERSION}_amd64.deb"
