# fuzz_dlv: the dlv/1 codec, compiled in directly (pure: the SDK only).
target_sources(fuzz_dlv PRIVATE ${CMAKE_SOURCE_DIR}/host/net/p2p/dlv_codec.c)
target_include_directories(fuzz_dlv PRIVATE ${CMAKE_SOURCE_DIR}/host/net/p2p)
