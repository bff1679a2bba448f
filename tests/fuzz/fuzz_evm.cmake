# fuzz_evm links the EVM's core library (plugins/evm) and reads its private headers.
target_link_libraries(fuzz_evm PRIVATE evm_core)
target_include_directories(fuzz_evm PRIVATE "${CMAKE_SOURCE_DIR}/plugins/evm")
