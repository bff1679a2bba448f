# fuzz_bft links consensus-bttc's BFT engine (plugins/consensus-bttc/bft).
target_link_libraries(fuzz_bft PRIVATE bttc_bft)
