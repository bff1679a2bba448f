# The dispatcher lives in bttcd_core (host/ is added before tests/).
target_link_libraries(fuzz_rpcfast PRIVATE bttcd_core)
