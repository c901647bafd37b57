/* SPDX-License-Identifier: MIT */
/* export.h - what the vnet libraries export: their public headers, nothing else */
#ifndef VNET_EXPORT_H
#define VNET_EXPORT_H

/*
 * libvnet, libvnet_vhost and libvnet_ports are built with
 * -fvisibility=hidden: a function is exported only when a public header
 * (include/vnet/) declares it between VNET_API_BEGIN and VNET_API_END,
 * which each public header puts around all its declarations. A function
 * shared by a library's files but declared in a private header stays
 * internal. tests/api/test_exports.sh checks both ways that the exports
 * are exactly the functions the installed headers declare.
 */
#if defined(__GNUC__) || defined(__clang__)
#define VNET_API_BEGIN _Pragma("GCC visibility push(default)")
#define VNET_API_END _Pragma("GCC visibility pop")
#else
#define VNET_API_BEGIN
#define VNET_API_END
#endif

#endif /* VNET_EXPORT_H */
