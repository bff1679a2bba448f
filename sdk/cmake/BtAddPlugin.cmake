# bt_add_plugin(NAME SOURCES src... [LIBS lib...] [NO_INSTALL])
#
# Build a bttcd plugin: a MODULE library NAME.so (no "lib" prefix), C11, -fvisibility=hidden,
# linked with -Wl,-z,defs (a plugin reaches the host only through its services table, so every
# symbol must resolve at link time) and --exclude-libs for libbtsdk, so bt_plugin_query is the
# plugin's only export. Links BtSDK::btsdk. The .so goes to BT_PLUGIN_OUTPUT_DIR in the build
# tree and installs to ${CMAKE_INSTALL_LIBDIR}/bttcd/plugins (BT_PLUGIN_INSTALL_DIR).
# Works in the bttcd tree and from the installed SDK (find_package(BtSDK)).
include_guard(GLOBAL)
include(GNUInstallDirs)

set(BT_PLUGIN_OUTPUT_DIR "${CMAKE_BINARY_DIR}/plugins"
    CACHE PATH "Directory the build puts plugin .so files in (bttcd's default plugin dir in tree)")
set(BT_PLUGIN_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/bttcd/plugins"
    CACHE STRING "Install directory of plugins, relative to the prefix")

function(bt_add_plugin name)
  cmake_parse_arguments(A "NO_INSTALL" "" "SOURCES;LIBS" ${ARGN})
  if(NOT A_SOURCES)
    message(FATAL_ERROR "bt_add_plugin(${name}): SOURCES is required")
  endif()
  if(NOT name MATCHES "^[a-z][a-z0-9-]*$")
    message(FATAL_ERROR "bt_add_plugin(${name}): plugin names are [a-z][a-z0-9-]*")
  endif()
  add_library(${name} MODULE ${A_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    C_STANDARD 11
    C_STANDARD_REQUIRED ON
    C_EXTENSIONS OFF
    C_VISIBILITY_PRESET hidden
    POSITION_INDEPENDENT_CODE ON
    LIBRARY_OUTPUT_DIRECTORY "${BT_PLUGIN_OUTPUT_DIR}")
  target_link_options(${name} PRIVATE "LINKER:-z,defs" "LINKER:--exclude-libs,ALL")
  target_link_libraries(${name} PRIVATE BtSDK::btsdk ${A_LIBS})
  if(NOT A_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION "${BT_PLUGIN_INSTALL_DIR}")
  endif()
endfunction()
