/*
 * A scripted wldp.dll for running intact's Windows tests under Wine, whose
 * own Wine 8 build has no wldp.dll at all. It checks the arguments the
 * generated Go bindings pass, so the tests see whether the marshalling
 * (GUID by pointer, 4-byte BOOL, UNICODE_STRING, WLDP_HOST_INFORMATION) is
 * right, whether intact opened the file without write or delete sharing,
 * and whether it reads the file from the start after WDAC read some of it.
 *
 * Built twice by scripts/wine-test.sh:
 *   default     all four exports, as Windows 11 24H2;
 *   -DLEGACY    only WldpGetLockdownPolicy and WldpQuerySecurityPolicy, as
 *               Windows 10: no AppSettings, no WldpCanExecuteFile.
 *
 * Policy it pretends to hold, for app id "intact":
 *   EnforceCodeIntegrity    AppSettings true (legacy Settings true with -DLEGACY)
 *   DisableInteractiveMode  AppSettings false
 *   DisableDynamicCode      not in AppSettings (E_NOTFOUND); legacy Settings true
 *   verdicts                BLOCKED for a file whose name contains "blocked",
 *                           REQUIRE_SANDBOX for "sandbox", ALLOWED otherwise.
 * Any unexpected argument returns E_INVALIDARG; a file handle that lets
 * others write returns E_UNEXPECTED.
 */
#include <windows.h>
#include <winternl.h>
#include <wchar.h>

#define E_NOTFOUND_ ((HRESULT)0x80070490)

typedef struct {
	DWORD dwRevision;
	DWORD dwHostId;
	PCWSTR szSource;
	HANDLE hSource;
} WLDP_HOST_INFORMATION;

static BOOL equal(const UNICODE_STRING *u, const WCHAR *s)
{
	size_t n = wcslen(s);
	return u && u->Buffer && u->Length == n * sizeof(WCHAR) && wcsncmp(u->Buffer, s, n) == 0;
}

HRESULT WINAPI WldpGetLockdownPolicy(WLDP_HOST_INFORMATION *info, DWORD *state, DWORD flags)
{
	if (!info || !state || flags || info->dwRevision != 1 || info->dwHostId != 1 /* GLOBAL */ ||
	    info->szSource || info->hSource)
		return E_INVALIDARG;
	*state = 0x80000004; /* WLDP_LOCKDOWN_ENFORCE */
	return S_OK;
}

HRESULT WINAPI WldpQuerySecurityPolicy(const UNICODE_STRING *provider, const UNICODE_STRING *key,
	const UNICODE_STRING *name, DWORD *type, void *value, ULONG *size)
{
	if (!type || !size || !value || *size < 1 || !equal(key, L"Settings"))
		return E_INVALIDARG;
	if (!equal(provider, L"intact"))
		return E_NOTFOUND_;
#ifdef LEGACY
	if (!equal(name, L"EnforceCodeIntegrity") && !equal(name, L"DisableDynamicCode"))
		return E_NOTFOUND_;
#else
	if (!equal(name, L"DisableDynamicCode"))
		return E_NOTFOUND_;
#endif
	*type = 0; /* WLDP_SECURE_SETTING_VALUE_TYPE_BOOLEAN */
	*(BOOLEAN *)value = TRUE; /* one byte, as a BOOLEAN is */
	*size = sizeof(BOOLEAN);
	return S_OK;
}

#ifndef LEGACY
static const GUID hostOther = {0x626cbec3, 0xe1fa, 0x4227, {0x98, 0x00, 0xed, 0x21, 0x02, 0x74, 0xcf, 0x7c}};

HRESULT WINAPI WldpGetApplicationSettingBoolean(PCWSTR id, PCWSTR setting, BOOL *result)
{
	if (!id || !setting || !result)
		return E_INVALIDARG;
	if (wcscmp(id, L"intact") != 0)
		return E_NOTFOUND_;
	if (wcscmp(setting, L"EnforceCodeIntegrity") == 0) {
		*result = TRUE;
		return S_OK;
	}
	if (wcscmp(setting, L"DisableInteractiveMode") == 0) {
		*result = FALSE;
		return S_OK;
	}
	return E_NOTFOUND_;
}

HRESULT WINAPI WldpCanExecuteFile(REFGUID host, DWORD options, HANDLE file, PCWSTR auditInfo, DWORD *result)
{
	WCHAR path[MAX_PATH + 1];
	HANDLE writer;
	char buf[16];
	DWORD n;
	if (!host || !IsEqualGUID(host, &hostOther) || options != 0 || !auditInfo ||
	    wcscmp(auditInfo, L"intact") != 0 || !result)
		return E_INVALIDARG;
	if (!GetFinalPathNameByHandleW(file, path, MAX_PATH, 0))
		return HRESULT_FROM_WIN32(GetLastError());
	/* The handle must forbid writers: a second, writing open must fail. */
	writer = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		NULL, OPEN_EXISTING, 0, NULL);
	if (writer != INVALID_HANDLE_VALUE) {
		CloseHandle(writer);
		return E_UNEXPECTED;
	}
	/* Read through the handle, as WDAC hashes the file, leaving the file
	 * pointer moved: intact must rewind before it reads. */
	if (!ReadFile(file, buf, sizeof buf, &n, NULL))
		return HRESULT_FROM_WIN32(GetLastError());
	if (wcsstr(path, L"blocked"))
		*result = 0; /* WLDP_EXECUTION_POLICY_BLOCKED */
	else if (wcsstr(path, L"sandbox"))
		*result = 2; /* WLDP_EXECUTION_POLICY_REQUIRE_SANDBOX */
	else
		*result = 1; /* WLDP_EXECUTION_POLICY_ALLOWED */
	return S_OK;
}
#endif
