# Project-wide compiler flags: the warning set of STYLE.md, sanitizers and coverage.
add_compile_definitions(_GNU_SOURCE)
add_compile_options(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
                    -Wformat=2 -Wvla -Wno-format-nonliteral)

if(BT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(BT_STRICT=1)
endif()

if(BT_COVERAGE)
  add_compile_options(--coverage -O0)
  add_link_options(--coverage)
endif()

# Fuzz builds instrument every library for coverage so libFuzzer sees inside the SDK, not only
# the target file; the targets themselves add -fsanitize=fuzzer (tests/fuzz).
if(BT_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
