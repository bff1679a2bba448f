# The status page server lives in bttcd_core (host/ is added before tests/).
target_link_libraries(fuzz_status PRIVATE bttcd_core)
