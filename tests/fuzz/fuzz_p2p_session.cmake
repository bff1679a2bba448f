# fuzz_p2p_session: the host's RLPx session state machine, compiled in directly (pure: the SDK
# and Snappy only).
target_sources(fuzz_p2p_session PRIVATE ${CMAKE_SOURCE_DIR}/host/net/p2p/sess.c)
target_include_directories(fuzz_p2p_session PRIVATE ${CMAKE_SOURCE_DIR}/host/net/p2p)
target_link_libraries(fuzz_p2p_session PRIVATE PkgConfig::SNAPPY)
