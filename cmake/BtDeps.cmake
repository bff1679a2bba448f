# Third-party libraries, all from Debian (DESIGN.md §7). scripts/setup installs them.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
pkg_check_modules(LIBEVENT REQUIRED IMPORTED_TARGET libevent libevent_pthreads)
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
pkg_check_modules(CUNIT REQUIRED IMPORTED_TARGET cunit)
pkg_check_modules(OPENSSL REQUIRED IMPORTED_TARGET libcrypto libssl)
pkg_check_modules(INIH REQUIRED IMPORTED_TARGET inih)
pkg_check_modules(LMDB REQUIRED IMPORTED_TARGET lmdb)
pkg_check_modules(LIBCURL REQUIRED IMPORTED_TARGET libcurl)

pkg_check_modules(PROTOBUFC REQUIRED IMPORTED_TARGET libprotobuf-c)
pkg_check_modules(SNAPPY IMPORTED_TARGET snappy)

# LevelDB and GMP ship no pkg-config file on Debian 12.
find_library(LEVELDB_LIB leveldb REQUIRED)
find_path(LEVELDB_INCLUDE leveldb/c.h REQUIRED)
find_library(GMP_LIB gmp REQUIRED)
find_path(GMP_INCLUDE gmp.h REQUIRED)
find_library(WSLAY_LIB wslay REQUIRED)
find_path(WSLAY_INCLUDE wslay/wslay.h REQUIRED)
