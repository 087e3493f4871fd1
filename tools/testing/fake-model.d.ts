export declare const MODEL_TABLE_HEADER: string;
export declare function fakeModelTable(url: string, options?: { model?: string; input?: string; output?: string; keyVar?: string }): string;
export declare const py: (body: string) => string;
