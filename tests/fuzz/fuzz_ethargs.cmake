# fuzz_ethargs: the eth_* argument decoders live in bttcd_core (host/rpc).
target_link_libraries(fuzz_ethargs PRIVATE bttcd_core)
