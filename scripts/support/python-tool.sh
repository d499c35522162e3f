# Sourced by the scripts that run a Python tool from PyPI: installs the pinned version once into an
# ignored virtualenv under .stack/ (a fresh machine has none) and prints the tool's path.
#   usage: tool="$(python_tool <venv dir> <package> <version> <version line the tool prints>)"
python_tool() {
  local venv="$1" package="$2" version="$3" expected="$4"
  if ! "$venv/bin/$package" --version 2>/dev/null | grep -qx "$expected"; then
    echo "$package: installing $package $version into ${venv#"$PWD/"} (first run only)" >&2
    python3 -m venv "$venv" || return
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$package==$version" || return
  fi
  echo "$venv/bin/$package"
}
