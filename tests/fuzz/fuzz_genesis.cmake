# The genesis reader lives in bttcd_core (host/ is added before tests/).
target_link_libraries(fuzz_genesis PRIVATE bttcd_core)
