// NNPORT_API marks what libnnport exports: the library is built with hidden
// visibility, so only marked classes and functions are part of its ABI.
#ifndef NNPORT_EXPORT_H_
#define NNPORT_EXPORT_H_

#if defined(_WIN32)
#if defined(NNPORT_BUILDING)
#define NNPORT_API __declspec(dllexport)
#else
#define NNPORT_API __declspec(dllimport)
#endif
#else
#define NNPORT_API [[gnu::visibility("default")]]
#endif

#endif  // NNPORT_EXPORT_H_
