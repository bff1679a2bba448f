# The status page (host/status): its sources join bttcd_core, and status.html is embedded as
# a generated C file, rebuilt when the page changes. Included by host/CMakeLists.txt.
set(_status_dir "${CMAKE_CURRENT_SOURCE_DIR}/status")
set(_status_page_c "${CMAKE_CURRENT_BINARY_DIR}/status_page.c")
add_custom_command(OUTPUT "${_status_page_c}"
  COMMAND ${CMAKE_COMMAND} -DIN=${_status_dir}/status.html -DOUT=${_status_page_c}
          -P ${_status_dir}/embed.cmake
  DEPENDS "${_status_dir}/status.html" "${_status_dir}/embed.cmake"
  COMMENT "Embedding the status page" VERBATIM)
file(GLOB _status_sources CONFIGURE_DEPENDS "${_status_dir}/*.c")
target_sources(bttcd_core PRIVATE ${_status_sources} "${_status_page_c}")
target_include_directories(bttcd_core PUBLIC "${_status_dir}")
