# The dev TRON API's parsers live in bttcd_core (host/ is added before tests/).
target_link_libraries(fuzz_tronapi PRIVATE bttcd_core)
