# Sourced by the image recipes (desktop-templates/*/build.sh). It speaks the small protocol that
# `./vdi image build` reads from a recipe's standard error (see desktop-templates/README.md):
#
#   ##progress <n> <total> <text>    step n of total has started
#   ##manifest <path>                the image's manifest (written or already up to date)
#
# and writes the manifest next to the image: <image>.manifest.json with its SHA-256, size and
# format, the inputs the recipe declared, and the build time. Needs only bash and coreutils.
#
#   source "$(dirname "$0")/../../scripts/image-build.sh"
#   image_input debian-release bookworm          # any number of name/value pairs
#   image_progress 1 5 "downloading the kernel"
#   ...
#   image_manifest "$out/tiny-desktop.img" raw "$recipe_checksum"
#   image_up_to_date "$out/tiny-desktop.img"     # when the build was skipped

image_inputs=()

image_progress() { # n total text...
  local n=$1 total=$2
  shift 2
  echo "##progress $n $total $*" >&2
}

image_input() { # name value
  image_inputs+=("$1" "$2")
}

# A JSON string: backslash, quote and control characters escaped.
image_json_string() {
  local s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      \\) out+='\\' ;;
      '"') out+='\"' ;;
      $'\n') out+='\n' ;;
      $'\t') out+='\t' ;;
      $'\r') out+='\r' ;;
      [[:cntrl:]]) out+=$(printf '\\u%04x' "'$c") ;;
      *) out+=$c ;;
    esac
  done
  printf '"%s"' "$out"
}

# The manifest path of an image.
image_manifest_path() { echo "$1.manifest.json"; }

# Writes <image>.manifest.json (atomically) and announces it.
image_manifest() { # image format recipe-sha256
  local image=$1 format=$2 recipe=$3 manifest sha size built i
  manifest=$(image_manifest_path "$image")
  sha=$(sha256sum "$image" | cut -d' ' -f1)
  size=$(stat -c %s "$image")
  built=$(date -u '+%Y-%m-%dT%H:%M:%SZ')
  {
    echo '{'
    echo "  \"image\": $(image_json_string "$(basename "$image")"),"
    echo "  \"format\": $(image_json_string "$format"),"
    echo "  \"sha256\": \"$sha\","
    echo "  \"sizeBytes\": $size,"
    echo "  \"builtAt\": \"$built\","
    echo "  \"recipeSha256\": $(image_json_string "$recipe"),"
    echo '  "inputs": {'
    for ((i = 0; i < ${#image_inputs[@]}; i += 2)); do
      printf '    %s: %s%s\n' "$(image_json_string "${image_inputs[i]}")" "$(image_json_string "${image_inputs[i + 1]}")" \
        "$([ $((i + 2)) -lt ${#image_inputs[@]} ] && echo ,)"
    done
    echo '  }'
    echo '}'
  } > "$manifest.tmp"
  mv -f "$manifest.tmp" "$manifest"
  echo "##manifest $manifest" >&2
}

# For a build that was skipped: the manifest written by the build that made the image.
image_up_to_date() { # image
  echo "##manifest $(image_manifest_path "$1")" >&2
}
