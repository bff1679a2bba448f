# The HTTP framing lives in bttcd_core (host/ is added before tests/).
target_link_libraries(fuzz_httpd PRIVATE bttcd_core)
target_include_directories(fuzz_httpd PRIVATE ${PROJECT_SOURCE_DIR}/host/net)
