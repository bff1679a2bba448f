# Turns the status page into a C file: cmake -DIN=status.html -DOUT=status_page.c -P embed.cmake.
# The page is bytes in an array (no string-literal length limits, no escaping), NUL-terminated.
file(READ "${IN}" _hex HEX)
string(LENGTH "${_hex}" _n)
math(EXPR _len "${_n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" _bytes "${_bytes}")
file(WRITE "${OUT}" "/* Generated from host/status/status.html by embed.cmake: do not edit. */\n"
     "#include <stddef.h>\n"
     "extern const char status_page_html[];\n"
     "extern const size_t status_page_html_len;\n"
     "const char status_page_html[] = {\n${_bytes}0x00};\n"
     "const size_t status_page_html_len = ${_len};\n")
