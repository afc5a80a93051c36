import { useProjectContext } from './project/context';

/** Messages about what just happened (skipped files, duplicates) and the undo of the last deletion. */
export function Notices() {
  const { state, dispatch } = useProjectContext();
  return (
    <div className="notices">
      {state.undo && (
        <div className="notice info" role="status" data-testid="undo-notice">
          <p>{state.undo.text}</p>
          <button type="button" onClick={() => dispatch({ type: 'undo' })}>
            Undo
          </button>
          <button type="button" className="icon" aria-label="Close this message" onClick={() => dispatch({ type: 'dismissed-undo' })}>
            ×
          </button>
        </div>
      )}
      {state.notices.map((notice) => (
        <div
          key={notice.id}
          className={`notice ${notice.tone}`}
          role={notice.tone === 'problem' ? 'alert' : 'status'}
          data-testid={`notice-${notice.tone}`}
        >
          <p className="title">{notice.title}</p>
          {notice.lines.length > 0 && (
            <ul>
              {notice.lines.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          {notice.retry && (
            <button
              type="button"
              onClick={() => {
                dispatch({ type: 'dismissed-notice', id: notice.id });
                notice.retry?.();
              }}
            >
              Try again
            </button>
          )}
          <button
            type="button"
            className="icon"
            aria-label="Close this message"
            onClick={() => dispatch({ type: 'dismissed-notice', id: notice.id })}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
