# fuzz_dlvtx: Delivery's tx / msg codec, compiled in directly (SDK + jansson only).
target_sources(fuzz_dlvtx PRIVATE ${CMAKE_SOURCE_DIR}/plugins/consensus-bttc/delivery/dlv_msg.c
                                  ${CMAKE_SOURCE_DIR}/plugins/consensus-bttc/delivery/dlv_tx.c)
target_include_directories(fuzz_dlvtx PRIVATE ${CMAKE_SOURCE_DIR}/plugins/consensus-bttc/delivery)
