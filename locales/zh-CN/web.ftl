## The web channel (`helpbot serve`): the chat API's errors and the widget's own texts.

# The web API's errors.
api-malformed = 请求格式不正确。
api-too-large = 消息太大了，请缩短后再发。
api-unknown-conversation = 找不到这个对话，请刷新页面重新开始。
api-wrong-token = 无权访问这个对话。
api-rate-limited = 发送太快了，请 { $seconds } 秒后再试。
api-too-many-streams = 您所在的网络打开的对话窗口太多了，请关闭一些窗口，或 { $seconds } 秒后再试。
api-photo-missing = 没有收到照片，请重新选择图片上传。
api-photo-too-large = 图片太大了（每张不超过 300 KB），请压缩后再上传。
api-feedback-not-answered = 只能评价本对话中给出的回答。
api-feedback-reason-invalid = 只有选择“没用”时才能填写原因；补充说明需要先选原因，最多 500 个字。
api-not-found = 这个地址不存在。
api-method-not-allowed = 这个地址不接受这种请求。

# The web widget's own texts.
widget-open = 在线帮助
widget-close = 关闭
widget-title = 学信网账号帮助助手
widget-placeholder = 请输入您的问题…
widget-send = 发送
widget-typing = 正在输入…
widget-useful = 有用
widget-not-useful = 没用
widget-thanks-feedback = 谢谢您的反馈！
widget-upload = 选择照片
widget-upload-send = 上传
widget-upload-rules = 照片格式 jpg、png 或 gif，每张不超过 300 KB。
widget-photo-too-large = 这张照片超过 300 KB，请压缩或换一张后再上传。
# How an uploaded photo shows in a resumed conversation.
history-photo = 📷 照片
widget-reconnecting = 连接中断，正在重新连接…
widget-language = English
widget-suggestions = 您可能想问：
# Resuming a conversation failed for a passing reason (the service is down, busy, or refused for a
# moment): the conversation is kept and the widget tries again by itself.
widget-resume-retrying = 抱歉，暂时无法载入您的对话。对话记录都还在，稍后会自动重试。
# A newer window or tab of the same conversation took over the live messages.
widget-replaced = 这个对话已在另一个窗口中打开，新消息会显示在那里。回到本窗口即可继续在这里对话。
# The service could not be reached at all (no answer from the network).
widget-unavailable = 抱歉，暂时无法连接帮助服务，请稍后再试。

# Feedback that says why (issue 16): the widget's reason field (the reasons are feedback-reason-*).
widget-reason-text-label = 哪里不对？（最多 500 字）
widget-reason-send = 发送
widget-reason-skip = 跳过
# Issue 16, the first minute: the label of the hot questions' category tabs (for screen readers).
widget-hot-categories = 常见问题分类
