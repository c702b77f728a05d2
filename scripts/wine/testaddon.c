/*
 * A Node-API addon for intact node's Windows tests: it exports nothing,
 * and leaves a canary as soon as the loader maps it, before node calls
 * anything in it, so that a test can tell a library that was never
 * loaded from one that was. scripts/wine-test.sh builds it twice:
 * -DLABEL=L"addon-good" (signed by the test) and L"addon-evil" (not).
 *
 * It imports nothing from node.exe, so it needs no Node headers or import
 * library; a Node-API module is any DLL exporting napi_register_module_v1.
 */
#include <windows.h>
#include <wchar.h>

#ifndef LABEL
#define LABEL L"addon"
#endif

BOOL WINAPI DllMain(HINSTANCE self, DWORD reason, LPVOID reserved)
{
	WCHAR path[MAX_PATH];
	DWORD n;
	HANDLE f;
	(void)self;
	(void)reserved;
	if (reason != DLL_PROCESS_ATTACH)
		return TRUE;
	n = GetEnvironmentVariableW(L"CANARY_DIR", path, MAX_PATH);
	if (n == 0 || n + wcslen(LABEL) + 2 > MAX_PATH)
		return TRUE;
	wcscat(path, L"\\" LABEL);
	f = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
	if (f != INVALID_HANDLE_VALUE)
		CloseHandle(f);
	return TRUE;
}

__declspec(dllexport) void *napi_register_module_v1(void *env, void *exports)
{
	(void)env;
	return exports;
}
