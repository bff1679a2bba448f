# fuzz_dlvbridge links the Delivery bridge (plugins/consensus-bttc/bridge).
target_link_libraries(fuzz_dlvbridge PRIVATE dlv_bridge)
