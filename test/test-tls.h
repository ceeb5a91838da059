#ifndef TEST_TLS_H
#define TEST_TLS_H 1
#endif
