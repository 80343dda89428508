/** The integrated-mode upload endpoint and its callback hook, for the API to mount. */
export { createUploadApp, type UploadAccepted, type UploadAppDeps } from './create-upload-app.ts';
export { IdentityCallbacks, type IdentityCallbackBody, type IdentityCallbackOptions } from './identity-callbacks.ts';
export { decodeUpload, type DecodedUpload } from './decode-upload.ts';
