# The config reader lives in bttcd_core (host/ is added before tests/).
target_link_libraries(fuzz_config PRIVATE bttcd_core)
