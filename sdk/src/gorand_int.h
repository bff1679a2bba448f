/* Internal to gorand.c: the cooked seed table (gorand_cooked.c). */
#ifndef BTS_GORAND_INT_H
#define BTS_GORAND_INT_H

#include <bts/gorand.h>

/** Go's rngCooked[607] (golang/go@go1.19.8:src/math/rand/rng.go), 64-bit form. */
extern const int64_t bts_gorand_cooked_[BTS_GORAND_LEN];

#endif /* BTS_GORAND_INT_H */
