# fuzz_keystore: the host's keystore v3 reader, compiled in directly (it lives in bttcd_core,
# which the fuzz build does not make).
target_sources(fuzz_keystore PRIVATE ${CMAKE_SOURCE_DIR}/host/keys/keystore.c
               ${CMAKE_SOURCE_DIR}/host/keys/address.c ${CMAKE_SOURCE_DIR}/host/keys/scrypt.c)
target_include_directories(fuzz_keystore PRIVATE ${CMAKE_SOURCE_DIR}/host/keys)
target_link_libraries(fuzz_keystore PRIVATE PkgConfig::JANSSON)
