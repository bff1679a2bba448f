# fuzz_bft_dlvnode links consensus-bttc's Delivery node (plugins/consensus-bttc/dlvnode).
target_link_libraries(fuzz_bft_dlvnode PRIVATE dlv_node)
