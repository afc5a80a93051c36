import { useMemo, useRef, type ReactNode } from 'react';

interface FilePickerProps {
  /** What the button says. */
  children: ReactNode;
  /** The hidden input's accessible name (what screen readers and tests find it by). */
  label: string;
  accept?: string;
  multiple?: boolean;
  /** Pick a whole folder, subfolders included. */
  folder?: boolean;
  disabled?: boolean;
  onFiles(files: File[]): void;
}

/**
 * A button that opens the browser's file picker. The input itself stays hidden because it cannot
 * be styled; it is emptied after each pick so choosing the same file again still counts.
 */
export function FilePicker({ children, label, accept, multiple, folder, disabled, onFiles }: FilePickerProps) {
  const input = useRef<HTMLInputElement>(null);
  const latestOnFiles = useRef(onFiles);
  latestOnFiles.current = onFiles;
  // The same element while its attributes stay the same: React then leaves the input alone when
  // the page re-renders (every frame of an import), instead of updating every file input each time.
  const picker = useMemo(
    () => (
      <input
        ref={input}
        type="file"
        accept={accept}
        multiple={multiple}
        hidden
        aria-label={label}
        {...(folder ? { webkitdirectory: '' } : {})}
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          event.target.value = '';
          if (files.length > 0) latestOnFiles.current(files);
        }}
      />
    ),
    [accept, multiple, label, folder],
  );
  return (
    <>
      <button type="button" onClick={() => input.current?.click()} disabled={disabled}>
        {children}
      </button>
      {picker}
    </>
  );
}
